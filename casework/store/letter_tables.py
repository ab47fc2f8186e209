"""Tables of this feature (see casework/store/schema.py)."""
