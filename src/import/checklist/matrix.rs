//! Reading the matrix from a sheet: browser, viewport and exclude rows.

use super::*;

// The matrix sheet.

pub(super) fn matrix_from_file(path: &Path) -> Result<Matrix> {
    let sheets = read_sheets(path)?;
    let sheet = sheets
        .iter()
        .find(|s| s.name.trim().eq_ignore_ascii_case("matrix"))
        .or(sheets.first())
        .with_context(|| format!("{} has no sheets", path.display()))?;
    let origin = if sheets.len() > 1 {
        format!("{} sheet `{}`", path.display(), sheet.name)
    } else {
        path.display().to_string()
    };
    matrix_from_sheet(sheet, &origin)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum MatrixField {
    Kind,
    Id,
    Name,
    Width,
    Height,
    Launch,
    Browser,
    Viewport,
}

/// A matrix sheet (see the module documentation); every problem is an error naming `origin`
/// and the row.
pub(super) fn matrix_from_sheet(sheet: &Sheet, origin: &str) -> Result<Matrix> {
    let Some(header_at) = sheet.rows.iter().position(|r| !is_blank(r)) else {
        bail!("{origin} is empty: a matrix needs a header row with `kind` and `id` columns");
    };
    let mut columns = HashMap::new();
    let mut problems = Vec::new();
    for (c, name) in sheet.rows[header_at].iter().enumerate() {
        let field = match header_key(name).as_str() {
            "" => continue,
            "kind" | "type" => MatrixField::Kind,
            "id" => MatrixField::Id,
            "name" => MatrixField::Name,
            "width" => MatrixField::Width,
            "height" => MatrixField::Height,
            "launch" | "command" => MatrixField::Launch,
            "browser" => MatrixField::Browser,
            "viewport" => MatrixField::Viewport,
            _ => {
                problems.push(format!(
                    "{origin} row {}: column `{}` is not a matrix field (kind, id, name, width, height, launch, browser, viewport)",
                    header_at + 1,
                    name.trim()
                ));
                continue;
            }
        };
        columns.entry(field).or_insert(c);
    }
    if !columns.contains_key(&MatrixField::Kind) {
        problems.push(format!(
            "{origin} row {}: no `kind` column (browser, viewport or exclude)",
            header_at + 1
        ));
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    let col = |f: MatrixField| columns.get(&f).copied();
    let mut browsers: Vec<OutBrowser> = Vec::new();
    let mut viewports: Vec<OutViewport> = Vec::new();
    let mut exclusions: Vec<(usize, Option<String>, Option<String>)> = Vec::new();
    let optional = |text: &str| (!text.is_empty()).then(|| text.to_string());
    for (n, row) in sheet.rows.iter().enumerate().skip(header_at + 1) {
        let at = format!("{origin} row {}", n + 1);
        if is_blank(row) {
            continue;
        }
        let kind = cell(row, col(MatrixField::Kind)).to_lowercase();
        let id = cell(row, col(MatrixField::Id));
        let name = optional(cell(row, col(MatrixField::Name)));
        let checked_id = |problems: &mut Vec<String>| -> Option<String> {
            if id.is_empty() {
                problems.push(format!("{at}: a {kind} needs an `id`"));
                None
            } else if is_valid_id(id) {
                Some(id.to_string())
            } else if is_valid_id(&id.to_lowercase()) {
                Some(id.to_lowercase())
            } else {
                problems.push(format!(
                    "{at}: id `{id}` is not valid: use lowercase letters, digits, `-` and `_`"
                ));
                None
            }
        };
        match kind.as_str() {
            "browser" | "browsers" => {
                let Some(id) = checked_id(&mut problems) else {
                    continue;
                };
                if browsers.iter().any(|b| b.id == id) {
                    problems.push(format!("{at}: browser `{id}` is listed twice"));
                    continue;
                }
                browsers.push(OutBrowser {
                    id,
                    name,
                    launch: optional(cell(row, col(MatrixField::Launch))),
                });
            }
            "viewport" | "viewports" => {
                let Some(id) = checked_id(&mut problems) else {
                    continue;
                };
                if viewports.iter().any(|v| v.id == id) {
                    problems.push(format!("{at}: viewport `{id}` is listed twice"));
                    continue;
                }
                let mut size = |field, what| {
                    let text = cell(row, col(field));
                    match text.parse::<u32>() {
                        Ok(px) if (1..=100_000).contains(&px) => Some(px),
                        _ => {
                            problems.push(format!(
                                "{at}: {what} `{text}` is not a size in pixels (1 to 100000)"
                            ));
                            None
                        }
                    }
                };
                let (Some(width), Some(height)) = (
                    size(MatrixField::Width, "width"),
                    size(MatrixField::Height, "height"),
                ) else {
                    continue;
                };
                viewports.push(OutViewport {
                    id,
                    name,
                    width,
                    height,
                });
            }
            "exclude" | "exclusion" => {
                let mut browser = cell(row, col(MatrixField::Browser)).to_string();
                let mut viewport = cell(row, col(MatrixField::Viewport)).to_string();
                if browser.is_empty() && viewport.is_empty() {
                    let (b, v) = id.split_once('/').unwrap_or((id, ""));
                    browser = b.trim().to_string();
                    viewport = v.trim().to_string();
                }
                let side =
                    |text: String| (!text.is_empty() && text != "*").then(|| text.to_lowercase());
                let (browser, viewport) = (side(browser), side(viewport));
                if browser.is_none() && viewport.is_none() {
                    problems.push(format!(
                        "{at}: an exclusion needs a `browser`, a `viewport` or both (or an id like `safari/phone`)"
                    ));
                    continue;
                }
                exclusions.push((n + 1, browser, viewport));
            }
            "" => problems.push(format!("{at}: no `kind` (browser, viewport or exclude)")),
            other => problems.push(format!(
                "{at}: kind `{other}` is not browser, viewport or exclude"
            )),
        }
    }
    let default = default_matrix();
    if browsers.is_empty() {
        browsers = default.browsers;
    }
    if viewports.is_empty() {
        viewports = default.viewports;
    }
    let mut exclude = Vec::new();
    for (row, browser, viewport) in exclusions {
        let at = format!("{origin} row {row}");
        if let Some(b) = &browser
            && !browsers.iter().any(|x| x.id == *b)
        {
            problems.push(format!(
                "{at}: excluded browser `{b}` is not in the matrix (it has {})",
                list(browsers.iter().map(|x| &x.id))
            ));
            continue;
        }
        if let Some(v) = &viewport
            && !viewports.iter().any(|x| x.id == *v)
        {
            problems.push(format!(
                "{at}: excluded viewport `{v}` is not in the matrix (it has {})",
                list(viewports.iter().map(|x| &x.id))
            ));
            continue;
        }
        exclude.push(OutExclusion { browser, viewport });
    }
    if !problems.is_empty() {
        bail!("the matrix has problems:\n{}", problems.join("\n"));
    }
    Ok(Matrix {
        browsers,
        viewports,
        exclude,
        is_default: false,
    })
}
