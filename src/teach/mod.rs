//! Teaching views, as plain text: the encapsulation of a packet (Ethernet ⊃ IP ⊃ TCP/UDP ⊃
//! payload), RFC-style header diagrams filled with the real values, the TCP ladder of a
//! stream (text and Mermaid), and a narration of what a packet means. The UI draws the same
//! text; `sockeye -r FILE --export …` prints it for slides.

pub mod app_diagram;
pub mod builtin;
pub mod calls;
pub mod diagram;
pub mod encap;
pub mod exchanges;
pub mod export;
pub mod handout;
pub mod handout_html;
pub mod ladder;
pub mod lesson_check;
pub mod lesson_file;
pub mod markup;
pub mod narrate;
pub mod quiz;
pub mod svg;
pub mod timeline;
pub mod vantage;

pub use diagram::header_diagrams;
pub use encap::encapsulation;
pub use exchanges::Exchanges;
pub use ladder::{Ladder, LadderRow};
pub use narrate::{narrate, narrate_with};
pub use timeline::StreamTimeline;
