//! JSON Lines articles, through hudna-core's reader (the same rules as `hudna extract`).

use hudna_core::JsonlArticles;

use crate::{Entry, Format, Origin, Rejection};

pub(crate) fn read<E>(
    name: &str,
    input: impl std::io::BufRead,
    sink: &mut dyn FnMut(Result<Entry, Rejection>) -> Result<(), E>,
) -> Result<(), E> {
    let mut reader = JsonlArticles::new(input);
    while let Some(next) = reader.next_article() {
        let item = match next {
            // The input broke off (a disk or pipe error): what was read stays.
            Err(e) => Err(Rejection::new(
                name,
                Some(format!("line {}", reader.line() + 1)),
                format!("read error: {e}"),
            )),
            Ok(Ok((line, article))) => Ok(Entry::Article {
                origin: Origin {
                    file: name.to_string(),
                    format: Format::Jsonl,
                    locator: Some(format!("line {line}")),
                },
                article,
            }),
            Ok(Err(rejected)) => Err(Rejection::new(
                name,
                Some(format!("line {}", rejected.line)),
                rejected.error.to_string(),
            )),
        };
        let stop = item
            .as_ref()
            .err()
            .is_some_and(|r| r.reason.starts_with("read error"));
        sink(item)?;
        if stop {
            break;
        }
    }
    Ok(())
}
