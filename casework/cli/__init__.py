"""The clerk's command line: parse, call one service, print."""
