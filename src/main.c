#include <stdio.h>

int
main(void)
{
    puts("ondeck");
    return 0;
}
