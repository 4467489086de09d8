"""From a plan document's reading to records an officer reviews and saves.

`layers.plan_reader` reads what a document says (a `Reading`, every finding with its quote). This
package turns a reading into proposed records of the plan layers (`programmes`, `parks`, `targets`),
matched against the workspace's records:

- `proposals.review(reading, frames, plan_id=...)` → a `Review`: one proposal for the plan, one
  per park and per target, each *new*, an *update* (with the fields that differ from the record
  it names) or *unchanged* (a newer edition of a plan proposes only what changed);
- `placement.suggest(...)` → where a proposed park might go, each suggestion saying what it is
  (a workspace park or station named in the park's location text, a feature of an imported layer
  with the park's name, a district's centroid); nothing is placed without the officer's choice;
- `batch.changes(...)` → the accepted proposals as one ordered batch of `store.FeatureChange`s
  (plan, parents before children, targets), checked together with `layers.records.check`, each
  version's evidence the document (file name, SHA-256), section and quote.

Pure domain code: no Streamlit, no folium.
"""

from layers.plan_review.proposals import Proposal, Review, review

__all__ = ["Proposal", "Review", "review"]
