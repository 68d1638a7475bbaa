"""BroadWorks inventory → wholesale model: tables, normalisers, rules, mapper, overrides."""
