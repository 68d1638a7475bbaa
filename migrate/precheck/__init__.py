"""``migrate precheck``: local rules on the model, then Webex's own validate calls."""
