"""Helpers the test modules share: plain modules, imported as ``tests.support.<module>``.

Test modules (``test_*.py``) never import one another, and conftest.py files hold fixtures
only; what several modules need lives here (tests/test_test_layout.py checks both). A module
here that defines fixtures is registered as a plugin by ``pytest_plugins`` in tests/conftest.py.
"""
