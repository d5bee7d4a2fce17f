//! Results typed into a spreadsheet, read back as entries to record.
