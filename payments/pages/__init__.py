"""The pages the sandbox serves to customers' browsers (not to API clients): plain
server-rendered HTML, outside every wire format, reached without credentials."""
