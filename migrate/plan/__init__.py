"""The wholesale model and, later, the plan built on it."""
