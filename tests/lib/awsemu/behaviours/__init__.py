"""The behaviours of the AWS-behaviour layer, one module each (see awsemu/__init__.py).

A module lists its Behaviour subclasses in BEHAVIOURS. Each class has a `name` (the word
--behaviours and /__proxy/config use), a `cite` naming the AWS documentation or the botocore
model it follows, an `order` (lower runs first: 10 identity and IAM, 20 request limits,
50 state, 80 answer shaping such as paging), and before/after hooks.
"""
