"""The action plan: what a gemeente does with its check's advice, followed through the year."""
