//! Bringing spreadsheets and Markdown in: checklists (`greenlight import`) and results
//! (`greenlight import-results`).

pub mod checklist;
pub mod results;
pub mod table;
mod workbook_limits;
