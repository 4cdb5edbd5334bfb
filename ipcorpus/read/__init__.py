"""Reading: a file's bytes to a Document of decoded, normalized lines (a text file
line by line, a web page block by block)."""
