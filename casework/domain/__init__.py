"""Pure domain logic of casework: no file, network or clock access."""
