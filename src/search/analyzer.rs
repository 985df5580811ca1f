//! The text analyzer, the same at index and query time. It must be registered on every `Index`
//! opened, or tantivy fails with `UnknownTokenizer` at commit or query time.

use tantivy::Index;
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};

pub const TEXT_ANALYZER: &str = "outpost_text";

pub fn register(index: &Index) {
    let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    index.tokenizers().register(TEXT_ANALYZER, analyzer);
}
