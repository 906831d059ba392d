"""The offline writer: sample passages adapted to the profile by rules, no model."""
