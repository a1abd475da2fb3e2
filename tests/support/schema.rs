//! The shape of a serde type as a scenario file sees it: every struct with its field names and
//! every enum with its variant names, found by deserializing the type from a deserializer that
//! makes up values and writes down what it is asked for. It picks each enum variant in turn
//! over repeated passes until no new one turns up, so every variant's fields are seen.
//! (serde-reflection does this too, but refuses untagged enums such as `IntOrString`.)

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

/// What a type is made of, by its serde names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    Struct(Vec<&'static str>),
    Enum(Vec<Variant>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    pub name: &'static str,
    /// The field names of a struct variant (`SetImage { namespace, … }`); empty otherwise.
    pub fields: Vec<&'static str>,
}

/// What a trace found.
pub struct Traced {
    /// Every struct and enum the type is built from, by serde name.
    pub shapes: BTreeMap<&'static str, Shape>,
    /// Whether a struct's field must be written (`true`) or has a default, by (struct, field).
    pub required: BTreeMap<(&'static str, &'static str), bool>,
}

/// Every struct and enum a type is built from, and which struct fields are required.
pub fn trace<T: for<'de> Deserialize<'de>>() -> Traced {
    let mut tracer = Tracer::default();
    // A pass that learns nothing may be followed by one that takes other variants in turn; many
    // in a row mean there is nothing left to learn.
    let mut idle = 0;
    for _ in 0..100_000 {
        tracer.progress = false;
        tracer.omitted = false;
        // A pass may fail deep inside (a made-up value a type refuses, a field left out on
        // purpose); what it saw still counts.
        let _ = T::deserialize(Maker { tracer: &mut tracer, depth: 0 });
        idle = if tracer.progress { 0 } else { idle + 1 };
        if idle > 100 {
            break;
        }
    }
    Traced { shapes: tracer.shapes, required: tracer.required }
}

#[derive(Default)]
struct Tracer {
    shapes: BTreeMap<&'static str, Shape>,
    /// Enum variants chosen at least once, and those that were made without error.
    chosen: BTreeSet<(&'static str, usize)>,
    made: BTreeSet<(&'static str, usize)>,
    /// Enums being made, innermost last: a recursive enum (`Not(Box<Predicate>)`) picks a
    /// variant already known to end.
    making: Vec<&'static str>,
    progress: bool,
    /// The variant each enum was made with last.
    turn: BTreeMap<&'static str, usize>,
    /// Fields left out once to see whether their struct still deserializes: `true` if it
    /// then fails with serde's "missing field", `false` if it has a default.
    required: BTreeMap<(&'static str, &'static str), bool>,
    /// Fields whose test was spoiled by another error (never asked again).
    untestable: BTreeSet<(&'static str, &'static str)>,
    /// Whether this pass already left a field out (one per pass, so errors are not mixed up).
    omitted: bool,
}

impl Tracer {
    fn pick(&mut self, name: &'static str, count: usize) -> usize {
        let recursive = self.making.contains(&name);
        let unchosen = (0..count).find(|i| !self.chosen.contains(&(name, *i)));
        let known = (0..count).find(|i| self.made.contains(&(name, *i)));
        // Once every variant was tried, take the made ones in turn, so later passes reach what
        // each of them holds again (to test its fields).
        let last = self.turn.get(name).copied().unwrap_or(0);
        let next = (1..=count).map(|k| (last + k) % count).find(|i| self.made.contains(&(name, *i)));
        let pick = match (recursive, unchosen, known) {
            (true, _, Some(k)) => k,
            (false, None, Some(k)) => next.unwrap_or(k),
            (_, Some(u), _) => u,
            _ => 0,
        };
        self.turn.insert(name, pick);
        if self.chosen.insert((name, pick)) {
            self.progress = true;
        }
        pick
    }

    fn record(&mut self, name: &'static str, shape: Shape) {
        match self.shapes.get_mut(name) {
            // Struct variants' fields are learned one variant at a time.
            Some(Shape::Enum(known)) => {
                if let Shape::Enum(new) = shape {
                    for (k, n) in known.iter_mut().zip(new) {
                        if k.fields.is_empty() {
                            k.fields = n.fields;
                        }
                    }
                }
            }
            Some(_) => {}
            None => {
                self.shapes.insert(name, shape);
            }
        }
    }
}

#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

const MAX_DEPTH: usize = 64;

/// Makes up a value of whatever it is asked for.
struct Maker<'a> {
    tracer: &'a mut Tracer,
    depth: usize,
}

impl Maker<'_> {
    fn nested(&mut self) -> Result<Maker<'_>, Error> {
        if self.depth > MAX_DEPTH {
            return Err(Error("too deep".to_owned()));
        }
        Ok(Maker { tracer: self.tracer, depth: self.depth + 1 })
    }
}

macro_rules! made_up {
    ($($method:ident => $visit:ident($($value:expr)?);)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.$visit($($value)?)
        })*
    };
}

impl<'de> de::Deserializer<'de> for Maker<'_> {
    type Error = Error;

    made_up! {
        deserialize_bool => visit_bool(false);
        deserialize_i8 => visit_i8(0);
        deserialize_i16 => visit_i16(0);
        deserialize_i32 => visit_i32(0);
        deserialize_i64 => visit_i64(0);
        deserialize_u8 => visit_u8(0);
        deserialize_u16 => visit_u16(0);
        deserialize_u32 => visit_u32(0);
        deserialize_u64 => visit_u64(0);
        deserialize_f32 => visit_f32(0.0);
        deserialize_f64 => visit_f64(0.0);
        deserialize_char => visit_char('0');
        deserialize_str => visit_str("0");
        deserialize_string => visit_string("0".to_owned());
        deserialize_bytes => visit_bytes(&[]);
        deserialize_byte_buf => visit_byte_buf(Vec::new());
        deserialize_unit => visit_unit();
        deserialize_identifier => visit_str("0");
        deserialize_ignored_any => visit_unit();
        // Untagged enums (`IntOrString`) ask for anything: a number is one of their variants.
        deserialize_any => visit_u64(0);
    }

    fn deserialize_option<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self.nested()?)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(mut self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self.nested()?)
    }

    fn deserialize_seq<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_seq(Elements { maker: self.nested()?, left: 1 })
    }

    fn deserialize_tuple<V: Visitor<'de>>(mut self, len: usize, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_seq(Elements { maker: self.nested()?, left: len })
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        mut self,
        _: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_seq(Elements { maker: self.nested()?, left: len })
    }

    fn deserialize_map<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(Entries { maker: self.nested()?, keys: Keys::Made(1), omit: None })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        mut self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.tracer.record(name, Shape::Struct(fields.to_vec()));
        let t = &mut *self.tracer;
        let omit = if t.omitted {
            None
        } else {
            fields
                .iter()
                .copied()
                .find(|f| !t.required.contains_key(&(name, *f)) && !t.untestable.contains(&(name, *f)))
        };
        if omit.is_some() {
            t.omitted = true;
            t.progress = true;
        }
        let made = visitor.visit_map(Entries { maker: self.nested()?, keys: Keys::Fields(fields, 0), omit });
        if let Some(field) = omit {
            match &made {
                Ok(_) => {
                    self.tracer.required.insert((name, field), false);
                }
                Err(Error(e)) if *e == format!("missing field `{field}`") => {
                    self.tracer.required.insert((name, field), true);
                }
                Err(_) => {
                    self.tracer.untestable.insert((name, field));
                }
            }
        }
        made
    }

    fn deserialize_enum<V: Visitor<'de>>(
        mut self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let all = variants.iter().map(|v| Variant { name: v, fields: Vec::new() }).collect();
        self.tracer.record(name, Shape::Enum(all));
        let index = self.tracer.pick(name, variants.len());
        self.tracer.making.push(name);
        let made = visitor.visit_enum(Choice { maker: self.nested()?, name, variants, index });
        self.tracer.making.pop();
        if made.is_ok() {
            self.tracer.made.insert((name, index));
        }
        made
    }
}

struct Elements<'a> {
    maker: Maker<'a>,
    left: usize,
}

impl<'de> de::SeqAccess<'de> for Elements<'_> {
    type Error = Error;
    fn next_element_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, Error> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(self.maker.nested()?).map(Some)
    }
}

enum Keys {
    /// A struct's fields, and how many were given.
    Fields(&'static [&'static str], usize),
    /// A map: this many made-up keys left.
    Made(usize),
}

struct Entries<'a> {
    maker: Maker<'a>,
    keys: Keys,
    /// A struct field not to give.
    omit: Option<&'static str>,
}

impl<'de> de::MapAccess<'de> for Entries<'_> {
    type Error = Error;
    fn next_key_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, Error> {
        match &mut self.keys {
            Keys::Fields(fields, given) => {
                if fields.get(*given).is_some_and(|f| Some(*f) == self.omit) {
                    *given += 1;
                }
                let Some(field) = fields.get(*given) else { return Ok(None) };
                *given += 1;
                seed.deserialize(field.into_deserializer()).map(Some)
            }
            Keys::Made(0) => Ok(None),
            Keys::Made(left) => {
                *left -= 1;
                seed.deserialize(self.maker.nested()?).map(Some)
            }
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Error> {
        seed.deserialize(self.maker.nested()?)
    }
}

struct Choice<'a> {
    maker: Maker<'a>,
    name: &'static str,
    variants: &'static [&'static str],
    index: usize,
}

impl<'de> de::EnumAccess<'de> for Choice<'_> {
    type Error = Error;
    type Variant = Self;
    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self), Error> {
        let variant = self.variants.get(self.index).copied().unwrap_or_default();
        let value = seed.deserialize(variant.into_deserializer())?;
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for Choice<'_> {
    type Error = Error;
    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(mut self, seed: S) -> Result<S::Value, Error> {
        seed.deserialize(self.maker.nested()?)
    }

    fn tuple_variant<V: Visitor<'de>>(mut self, len: usize, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_seq(Elements { maker: self.maker.nested()?, left: len })
    }

    fn struct_variant<V: Visitor<'de>>(
        mut self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let all = self
            .variants
            .iter()
            .enumerate()
            .map(|(i, v)| Variant { name: v, fields: if i == self.index { fields.to_vec() } else { Vec::new() } })
            .collect();
        self.maker.tracer.record(self.name, Shape::Enum(all));
        visitor.visit_map(Entries { maker: self.maker.nested()?, keys: Keys::Fields(fields, 0), omit: None })
    }
}
