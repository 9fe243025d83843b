"""Reading CSV files people give us, and writing CSV safely for spreadsheets."""
