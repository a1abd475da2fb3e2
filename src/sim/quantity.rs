//! Resource quantities as Kubernetes writes them (`100m`, `0.5`, `256Mi`, `1Gi`), as newtypes
//! so CPU and memory can never be mixed up.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// CPU in thousandths of a core.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Millicores(pub u64);

/// Memory (or storage) in mebibytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Mebibytes(pub u64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid quantity {0:?}: expected a number with an optional unit, like 100m, 0.5, 256Mi or 1Gi")]
pub struct QuantityError(pub String);

impl FromStr for Millicores {
    type Err = QuantityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(m) = s.strip_suffix('m') {
            return m.parse::<u64>().map(Millicores).map_err(|_| QuantityError(s.to_owned()));
        }
        let cores: f64 = s.parse().map_err(|_| QuantityError(s.to_owned()))?;
        if !cores.is_finite() || !(0.0..=1.0e6).contains(&cores) {
            return Err(QuantityError(s.to_owned()));
        }
        Ok(Millicores((cores * 1000.0).round() as u64))
    }
}

const MI: f64 = 1024.0 * 1024.0;

impl FromStr for Mebibytes {
    type Err = QuantityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let split = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
        let (num, unit) = s.split_at(split);
        let n: f64 = num.parse().map_err(|_| QuantityError(s.to_owned()))?;
        if !n.is_finite() || !(0.0..=1.0e12).contains(&n) {
            return Err(QuantityError(s.to_owned()));
        }
        let bytes_per_unit = match unit {
            "" => 1.0,
            "Ki" => 1024.0,
            "Mi" => MI,
            "Gi" => MI * 1024.0,
            "Ti" => MI * 1024.0 * 1024.0,
            "k" | "K" => 1000.0,
            "M" => 1.0e6,
            "G" => 1.0e9,
            "T" => 1.0e12,
            _ => return Err(QuantityError(s.to_owned())),
        };
        Ok(Mebibytes((n * bytes_per_unit / MI).ceil() as u64))
    }
}

impl fmt::Display for Millicores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(1000) { write!(f, "{}", self.0 / 1000) } else { write!(f, "{}m", self.0) }
    }
}

impl fmt::Display for Mebibytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 != 0 && self.0.is_multiple_of(1024 * 1024) {
            write!(f, "{}Ti", self.0 / (1024 * 1024))
        } else if self.0 != 0 && self.0.is_multiple_of(1024) {
            write!(f, "{}Gi", self.0 / 1024)
        } else {
            write!(f, "{}Mi", self.0)
        }
    }
}

impl TryFrom<String> for Millicores {
    type Error = QuantityError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}
impl TryFrom<String> for Mebibytes {
    type Error = QuantityError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}
impl From<Millicores> for String {
    fn from(q: Millicores) -> Self {
        q.to_string()
    }
}
impl From<Mebibytes> for String {
    fn from(q: Mebibytes) -> Self {
        q.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_kubernetes_quantities() {
        assert_eq!("100m".parse(), Ok(Millicores(100)));
        assert_eq!("0.5".parse(), Ok(Millicores(500)));
        assert_eq!("2".parse(), Ok(Millicores(2000)));
        assert_eq!("256Mi".parse(), Ok(Mebibytes(256)));
        assert_eq!("1Gi".parse(), Ok(Mebibytes(1024)));
        assert_eq!(Mebibytes(1024).to_string(), "1Gi");
        assert_eq!(Mebibytes(300).to_string(), "300Mi");
        assert_eq!(Millicores(1500).to_string(), "1500m");
        assert_eq!("12Qi".parse::<Mebibytes>(), Err(QuantityError("12Qi".to_owned())));
        assert_eq!("-1".parse::<Millicores>(), Err(QuantityError("-1".to_owned())));
    }
}
