"""Excel and HTML reports: one builder per stage over a safe writer."""
