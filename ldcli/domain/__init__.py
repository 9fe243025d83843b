"""Pure rules over plain values: standard library only."""
