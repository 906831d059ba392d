"""Plans for many communities from one table: reading it, drafting each row, the summary."""
