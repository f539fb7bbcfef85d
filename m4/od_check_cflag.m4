# OD_CHECK_CFLAG(FLAG, ACTION-IF-OK, ACTION-IF-NOT, EXTRA-FLAGS)
# Try to compile an empty program with FLAG (plus EXTRA-FLAGS) added to CFLAGS.
AC_DEFUN([OD_CHECK_CFLAG], [
  AC_MSG_CHECKING([whether $CC accepts $1])
  od_saved_cflags="$CFLAGS"
  CFLAGS="$CFLAGS $4 $1"
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
    [AC_MSG_RESULT([yes]); CFLAGS="$od_saved_cflags"; $2],
    [AC_MSG_RESULT([no]); CFLAGS="$od_saved_cflags"; $3])
])
