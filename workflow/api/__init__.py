"""The REST API: thin views that validate input, call the workflow's services and answer."""
