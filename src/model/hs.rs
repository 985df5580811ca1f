//! Harmonized System codes on articles: 4, 6, 8 or 10 digits, dotted or not, stored as digits.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// A normalised HS code: the digits only (`090121`), shown dotted (`0901.21`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct HsCode(String);

impl HsCode {
    /// Accepts `0901.21`, `090121`, `0901 21`, `0901.21.10` …; refuses anything that is not
    /// 4, 6, 8 or 10 digits once dots and spaces are removed.
    pub fn parse(input: &str) -> Result<Self> {
        let digits: String = input
            .chars()
            .filter(|c| !matches!(c, '.' | ' ' | '-'))
            .collect();
        let well_formed = digits.chars().all(|c| c.is_ascii_digit())
            && matches!(digits.len(), 4 | 6 | 8 | 10)
            && input.trim() == input
            && !input.is_empty();
        if !well_formed {
            return Err(Error::invalid(format!(
                "`{input}` is not an HS code: use 4, 6, 8 or 10 digits, e.g. 0901 or 0901.21"
            )));
        }
        Ok(HsCode(digits))
    }

    /// Parses a comma-separated list, as typed on the command line.
    pub fn parse_list(input: &str) -> Result<Vec<HsCode>> {
        input
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(HsCode::parse)
            .collect()
    }

    pub fn digits(&self) -> &str {
        &self.0
    }

    /// Every prefix a search filter may name: 2 (chapter), 4, 6, 8 and 10 digits.
    pub fn prefixes(&self) -> impl Iterator<Item = &str> {
        (2..=self.0.len()).step_by(2).map(|n| &self.0[..n])
    }
}

impl fmt::Display for HsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        f.write_str(&d[..4])?;
        let mut at = 4;
        while at < d.len() {
            write!(f, ".{}", &d[at..at + 2])?;
            at += 2;
        }
        Ok(())
    }
}

impl Serialize for HsCode {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for HsCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        HsCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalised_whatever_the_dots() {
        for (input, shown) in [
            ("0901.21", "0901.21"),
            ("090121", "0901.21"),
            ("4403", "4403"),
            ("4403.49.10", "4403.49.10"),
            ("4403491000", "4403.49.10.00"),
        ] {
            assert_eq!(
                HsCode::parse(input).map(|c| c.to_string()).ok(),
                Some(shown.to_string())
            );
        }
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in ["", "09", "09012", "0901.2x", "1234567", " 0901", "abcd"] {
            assert!(HsCode::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn prefixes_cover_chapter_to_full_code() {
        let code = HsCode::parse("0901.21.10").expect("valid");
        assert_eq!(
            code.prefixes().collect::<Vec<_>>(),
            ["09", "0901", "090121", "09012110"]
        );
    }
}
