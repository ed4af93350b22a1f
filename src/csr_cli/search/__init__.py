"""Search: text terms, the lexicon of word classes, the index build, ranking and learning from use."""
