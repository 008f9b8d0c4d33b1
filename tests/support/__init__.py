"""What the tests share: credentials, request bodies, factories, servers and fixtures.

Test modules import helpers from here (never from a conftest.py or another test module);
`tests/conftest.py` registers `tests.support.fixtures`, the fixtures every folder uses.
"""
