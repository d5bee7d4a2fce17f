//! `x`: the checklist's `launch` command for the cursor's browser, filled in for its item and
//! size.

use crate::checklist::Checklist;

use super::{App, Effect};
use crate::tui::notice::Notice;

impl App {
    /// The browser command to start for the cursor's cell, or a notice saying why there is
    /// none.
    pub(super) fn launch(&mut self, checklist: &Checklist) -> Option<Effect> {
        let cell = self.cursor();
        let env = checklist.environments[cell.environment];
        let browser = &checklist.browsers[env.browser];
        let viewport = &checklist.viewports[env.viewport];
        let Some(template) = &browser.launch else {
            self.notice = Some(Notice::NoLaunchCommand {
                browser: browser.name.clone(),
            });
            return None;
        };
        let Some(url) = checklist
            .item_url(cell.item)
            .or_else(|| checklist.base_url.clone())
        else {
            self.notice = Some(Notice::NoUrl);
            return None;
        };
        let Some(words) = shlex::split(template).filter(|w| !w.is_empty()) else {
            self.notice = Some(Notice::UnbalancedQuotes {
                browser: browser.name.clone(),
            });
            return None;
        };
        let argv = words
            .into_iter()
            .map(|w| {
                w.replace("{url}", &url)
                    .replace("{width}", &viewport.width.to_string())
                    .replace("{height}", &viewport.height.to_string())
            })
            .collect();
        Some(Effect::Launch(argv))
    }
}
