"""The REST API of every app: thin views that validate input, call the apps' services and answer.

It imports the apps; no app imports it (tests/api/test_layering.py checks this).
"""
