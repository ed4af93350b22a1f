"""The phrasebook: entry fields and schema, layer files, the compiled cache, editing, import/export and content checks."""
