//! The one pager of the crate: a paginated list read page after page as
//! its stream is polled.

use futures::{Stream, TryStreamExt};

use super::options::ListOptions;
use crate::error::Error;
use crate::types::{Asset, AssetFolder, Component, DomNode, Item, Page};

/// Reads a paginated list page after page, as the stream is polled. It ends
/// when a page comes back short, when the offset reaches the total the
/// latest page gave (a total that changes between pages is followed), or
/// when a page is empty; a server that ignores `offset` (the same first
/// item twice) ends it with an error rather than a loop.
pub(crate) fn pages<'a, T, F, Fut>(first: ListOptions, fetch: F) -> impl Stream<Item = Result<T, Error>> + 'a
where
    T: HasId + 'a,
    F: Fn(ListOptions) -> Fut + 'a,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<crate::types::Pagination>), Error>>
        + 'a,
{
    struct State<F> {
        next: Option<ListOptions>,
        fetch: F,
        previous_first: Option<String>,
    }
    let state = State {
        next: Some(first),
        fetch,
        previous_first: None,
    };
    futures::stream::try_unfold(state, |mut state| async move {
        let Some(page) = state.next.take() else {
            return Ok(None);
        };
        let (items, pagination) = (state.fetch)(page.clone()).await?;
        let first_id = items.first().map(|i| i.id().to_owned());
        if first_id.is_some() && first_id == state.previous_first {
            return Err(Error::invalid(
                format!(
                    "the server answered the page at offset {} with the same items as the page before",
                    page.offset
                ),
                "it ignores `offset`; ask for one page with a larger limit instead",
            ));
        }
        let got = items.len() as u64;
        let next_offset = page.offset + got;
        let total = pagination.and_then(|p| p.total).map(|t| t.max(0) as u64);
        let more = got > 0 && got >= page.limit && total.is_none_or(|t| next_offset < t);
        state.next = more.then(|| page.clone().offset(next_offset));
        state.previous_first = first_id;
        Ok(Some((
            futures::stream::iter(items.into_iter().map(Ok::<T, Error>)),
            state,
        )))
    })
    .try_flatten()
}


/// Items of a list with an id (to notice a server that ignores `offset`).
pub(crate) trait HasId {
    fn id(&self) -> &str;
}

impl HasId for Asset {
    fn id(&self) -> &str {
        &self.id
    }
}

impl HasId for AssetFolder {
    fn id(&self) -> &str {
        &self.id
    }
}

/// Ids of the other paged lists.
macro_rules! has_id {
    ($($t:ty),*) => { $(
        impl HasId for $t {
            fn id(&self) -> &str {
                &self.id
            }
        }
    )* };
}
has_id!(Page, Component, DomNode, Item);
