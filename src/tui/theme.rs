//! The walk's colours. Each state's glyph and tone come from `crate::status`; glyphs alone
//! tell every state apart, so `NO_COLOR` loses nothing.

use ratatui::style::{Color, Modifier, Style};

use crate::status::{Status, Tone, look};

/// Whether to colour, decided once from `NO_COLOR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything non-empty (no-color.org).
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// The style of a cell's glyph: its tone in the terminal's own colours.
    pub fn status(self, status: Option<Status>) -> Style {
        self.tone(look(status).tone)
    }

    /// The style of a tone (a status's, or a carried pass's).
    pub fn tone(self, tone: Tone) -> Style {
        match tone {
            Tone::Good => self.fg(Color::Green),
            Tone::Bad => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Tone::Warning => self.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Tone::Muted => self.fg(Color::Gray),
            Tone::Faint => self.fg(Color::DarkGray),
            Tone::Carried => self.fg(Color::Cyan),
        }
    }

    /// Headings and labels.
    pub fn heading(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Text that matters less (ids, hints).
    pub fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    /// The cursor's row or cell.
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// Errors in the status line.
    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// The colour of the `browser`-th browser, so that each keeps its own in the banner,
    /// the crossing card and the matrix. Red, green and yellow are left to the states.
    fn browser_color(browser: usize) -> Color {
        const COLORS: [Color; 6] = [
            Color::Cyan,
            Color::Magenta,
            Color::Blue,
            Color::LightCyan,
            Color::LightMagenta,
            Color::LightBlue,
        ];
        COLORS[browser % COLORS.len()]
    }

    /// The banner naming the current environment, in its browser's colour.
    pub fn environment(self, browser: usize) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Theme::browser_color(browser))
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }

    /// A browser's name or columns, in its colour.
    pub fn browser(self, browser: usize) -> Style {
        self.fg(Theme::browser_color(browser))
            .add_modifier(Modifier::BOLD)
    }
}
