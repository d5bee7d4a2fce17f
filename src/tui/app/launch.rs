//! `x`: the checklist's `launch` command for the cursor's browser, filled in for its item and
//! size — run only once the tester has allowed it for this checklist (DESIGN.md §6).

use crate::run::Run;

use super::{App, Effect, LaunchRequest, Overlay};
use crate::tui::notice::Notice;

impl App {
    /// The browser command to start for the cursor's cell, or a notice saying why there is
    /// none.
    pub(super) fn launch(&mut self, run: &Run) -> Option<Effect> {
        let checklist = run.checklist();
        if self.launch_policy.off {
            self.notice = Some(Notice::LaunchOff);
            return None;
        }
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
        let argv: Vec<String> = words
            .into_iter()
            .map(|w| {
                w.replace("{url}", &url)
                    .replace("{width}", &viewport.width.to_string())
                    .replace("{height}", &viewport.height.to_string())
            })
            .collect();
        let key = crate::launch_trust::key(&run.meta().checklist.sha256, template);
        if self.launch_policy.allowed.contains(&key) {
            return Some(Effect::Launch(argv));
        }
        let over = match &self.overlay {
            Some(Overlay::Crossing(card)) => Some(*card),
            _ => None,
        };
        self.overlay = Some(Overlay::ConfirmLaunch(LaunchRequest {
            argv,
            key,
            browser: browser.name.clone(),
            over,
        }));
        None
    }

    /// The tester allowed the command with `key`, and it is remembered on disk.
    pub fn launch_allowed(&mut self, key: String) {
        self.launch_policy.allowed.insert(key);
    }
}
