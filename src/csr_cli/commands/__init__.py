"""One module per command family; each parses options, calls the core, renders the result."""
