//! A product catalog: what a beauty counter sells, in TOML, importable from a CSV export.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::color::Srgb;
use super::look::Finish;
use super::{LookError, toml_error};

/// Which layer a product is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Lipstick,
    Blush,
    Eyeshadow,
    Eyeliner,
    Brows,
    Foundation,
    Contour,
    Highlighter,
}

impl std::str::FromStr for Category {
    type Err = String;
    /// A category by name, as in catalogs (for the command line).
    fn from_str(s: &str) -> Result<Self, String> {
        super::by_name(&Category::ALL, Category::name, "category", s)
    }
}

impl Category {
    /// Every category in panel order.
    pub const ALL: [Category; 8] = [
        Category::Lipstick,
        Category::Blush,
        Category::Eyeshadow,
        Category::Eyeliner,
        Category::Brows,
        Category::Foundation,
        Category::Contour,
        Category::Highlighter,
    ];

    fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.name() == s.trim().to_ascii_lowercase())
    }

    /// Name as written in catalogs.
    pub fn name(self) -> &'static str {
        match self {
            Category::Lipstick => "lipstick",
            Category::Blush => "blush",
            Category::Eyeshadow => "eyeshadow",
            Category::Eyeliner => "eyeliner",
            Category::Brows => "brows",
            Category::Foundation => "foundation",
            Category::Contour => "contour",
            Category::Highlighter => "highlighter",
        }
    }
}

/// Skin undertone a shade is made for: drives recommendations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Undertone {
    Warm,
    Cool,
    Neutral,
    /// Green-yellow cast (high hue angle, lower a*).
    Olive,
}

impl Undertone {
    /// The word in catalogs.
    pub fn name(self) -> &'static str {
        match self {
            Undertone::Warm => "warm",
            Undertone::Cool => "cool",
            Undertone::Neutral => "neutral",
            Undertone::Olive => "olive",
        }
    }
}

/// One product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub brand: String,
    pub name: String,
    /// Stock-keeping unit, unique in a catalog.
    pub sku: String,
    pub category: Category,
    /// Shade as sRGB hex (a palette's first colour: the lid).
    pub shade: Srgb,
    /// The further colours of a multi-colour product, after `shade`: an eyeshadow palette's
    /// crease and outer-corner colours (at most two). Picking the product applies all of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub palette: Vec<Srgb>,
    /// Finish (lipsticks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish: Option<Finish>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undertone: Option<Undertone>,
}

/// Most colours one product carries (an eyeshadow look takes 1 to 3).
pub const MAX_PRODUCT_COLOURS: usize = 3;

impl Product {
    /// Every colour of the product, `shade` first.
    pub fn colours(&self) -> Vec<Srgb> {
        std::iter::once(self.shade).chain(self.palette.iter().copied()).collect()
    }
}

/// A catalog file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// Counter or brand name.
    #[serde(default)]
    pub name: String,
    /// Products in display order.
    #[serde(default, rename = "product")]
    pub products: Vec<Product>,
}

impl Catalog {
    /// Parses catalog TOML (`[[product]]` tables); `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Catalog, LookError> {
        let catalog: Catalog = toml::from_str(text).map_err(|e| toml_error(path, text, e))?;
        let lines: Vec<usize> =
            text.lines().enumerate().filter(|(_, l)| l.trim() == "[[product]]").map(|(i, _)| i + 1).collect();
        catalog.check(path, |i| lines.get(i).copied().unwrap_or(1))?;
        Ok(catalog)
    }

    /// Reads a catalog file.
    pub fn load(path: &Path) -> Result<Catalog, LookError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| LookError::Io { path: path.to_path_buf(), source })?;
        Self::parse(&text, path)
    }

    /// The bundled catalog.
    pub fn bundled_path() -> PathBuf {
        crate::data::asset("catalog.toml")
    }

    /// Reads CSV with the header `brand,name,sku,category,shade,finish,undertone` (the last two
    /// may be empty), as exported from a spreadsheet; an optional `palette` column holds a
    /// palette's further colours separated by spaces or `;` (`#8E6A9E;#2E1F38`).
    pub fn from_csv(text: &str, path: &Path) -> Result<Catalog, LookError> {
        let invalid = |line: usize, message: String| LookError::Invalid { path: path.to_path_buf(), line, message };
        let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(false).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| invalid(1, e.to_string()))?.clone();
        const COLUMNS: [&str; 8] = ["brand", "name", "sku", "category", "shade", "finish", "undertone", "palette"];
        for h in headers.iter() {
            if !COLUMNS.contains(&h) {
                return Err(invalid(1, format!("unknown column `{h}` (expected {})", COLUMNS.join(","))));
            }
        }
        let col = |name: &str| headers.iter().position(|h| h == name);
        let required = ["brand", "name", "sku", "category", "shade"];
        for r in required {
            if col(r).is_none() {
                return Err(invalid(1, format!("missing column `{r}`")));
            }
        }
        let mut products = Vec::new();
        let mut lines = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(1);
                invalid(line, e.to_string())
            })?;
            let line = record.position().map(|p| p.line() as usize).unwrap_or(1);
            let get = |name: &str| col(name).and_then(|i| record.get(i)).unwrap_or("").to_string();
            let category = Category::parse(&get("category"))
                .ok_or_else(|| invalid(line, format!("unknown category `{}`", get("category"))))?;
            let shade: Srgb = get("shade").parse().map_err(|e: super::color::BadHex| invalid(line, e.to_string()))?;
            let palette = get("palette")
                .split([';', ' '])
                .filter(|c| !c.is_empty())
                .map(|c| c.parse::<Srgb>().map_err(|e| invalid(line, format!("palette: {e}"))))
                .collect::<Result<Vec<_>, _>>()?;
            let finish = match get("finish").as_str() {
                "" => None,
                f => Some(
                    Finish::ALL
                        .into_iter()
                        .find(|x| x.name() == f.to_ascii_lowercase())
                        .ok_or_else(|| invalid(line, format!("unknown finish `{f}`")))?,
                ),
            };
            let undertone = match get("undertone").to_ascii_lowercase().as_str() {
                "" => None,
                "warm" => Some(Undertone::Warm),
                "cool" => Some(Undertone::Cool),
                "neutral" => Some(Undertone::Neutral),
                "olive" => Some(Undertone::Olive),
                u => return Err(invalid(line, format!("unknown undertone `{u}`"))),
            };
            products.push(Product {
                brand: get("brand"),
                name: get("name"),
                sku: get("sku"),
                category,
                shade,
                palette,
                finish,
                undertone,
            });
            lines.push(line);
        }
        let catalog = Catalog { name: String::new(), products };
        catalog.check(path, |i| lines[i])?;
        Ok(catalog)
    }

    /// Checks what serde cannot: required text present, SKUs unique, finishes only on lipsticks.
    fn check(&self, path: &Path, line_of: impl Fn(usize) -> usize) -> Result<(), LookError> {
        let mut skus = HashSet::new();
        for (i, p) in self.products.iter().enumerate() {
            let problem = if p.sku.is_empty() || p.name.is_empty() || p.brand.is_empty() {
                Some("brand, name and sku must not be empty".to_string())
            } else if !skus.insert(p.sku.clone()) {
                Some(format!("duplicate sku `{}`", p.sku))
            } else if p.finish.is_some() && p.category != Category::Lipstick {
                Some(format!("`{}` is {}: only lipsticks have a finish", p.sku, p.category.name()))
            } else if !p.palette.is_empty() && p.category != Category::Eyeshadow {
                Some(format!("`{}` is {}: only eyeshadows come as palettes", p.sku, p.category.name()))
            } else if p.colours().len() > MAX_PRODUCT_COLOURS {
                Some(format!(
                    "`{}` has {} colours: a palette holds {MAX_PRODUCT_COLOURS} at most (shade plus two)",
                    p.sku,
                    p.colours().len()
                ))
            } else {
                None
            };
            if let Some(message) = problem {
                return Err(LookError::Invalid { path: path.to_path_buf(), line: line_of(i), message });
            }
        }
        Ok(())
    }

    /// The catalog as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("catalogs always serialise")
    }

    /// Products of one category.
    pub fn of(&self, category: Category) -> impl Iterator<Item = &Product> {
        self.products.iter().filter(move |p| p.category == category)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "brand,name,sku,category,shade,finish,undertone\n\
        Vanity,Ruby,V-L01,lipstick,#B0153A,matte,cool\n\
        Vanity,Peach,V-B01,blush,#F4A582,,warm\n";

    #[test]
    fn a_palette_keeps_all_its_colours_through_csv_and_toml() {
        let csv = "brand,name,sku,category,shade,palette\n\
            Vanity,Plum Trio,V-E01,eyeshadow,#5B3A6E,#8E6A9E;#2E1F38\n\
            Vanity,Single,V-E02,eyeshadow,#C8A2C8,\n";
        let c = Catalog::from_csv(csv, Path::new("c.csv")).unwrap();
        let hex = |p: &Product| p.colours().iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert_eq!(hex(&c.products[0]), ["#5B3A6E", "#8E6A9E", "#2E1F38"]);
        assert_eq!(hex(&c.products[1]), ["#C8A2C8"]);
        let back = Catalog::parse(&c.to_toml(), Path::new("c.toml")).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn palettes_are_for_eyeshadows_and_hold_three_colours_at_most() {
        let lipstick = "[[product]]\nbrand = \"V\"\nname = \"L\"\nsku = \"L1\"\ncategory = \"lipstick\"\n\
            shade = \"#B0153A\"\npalette = [\"#000000\"]\n";
        let e = Catalog::parse(lipstick, Path::new("c.toml")).unwrap_err().to_string();
        assert!(e.contains("c.toml:1:") && e.contains("only eyeshadows come as palettes"), "{e}");
        let four = "[[product]]\nbrand = \"V\"\nname = \"E\"\nsku = \"E1\"\ncategory = \"eyeshadow\"\n\
            shade = \"#5B3A6E\"\npalette = [\"#8E6A9E\", \"#2E1F38\", \"#FFFFFF\"]\n";
        let e = Catalog::parse(four, Path::new("c.toml")).unwrap_err().to_string();
        assert!(e.contains("has 4 colours"), "{e}");
        let bad = "brand,name,sku,category,shade,palette\nV,E,E1,eyeshadow,#5B3A6E,#8E6A9E;purple\n";
        let e = Catalog::from_csv(bad, Path::new("c.csv")).unwrap_err().to_string();
        assert!(e.starts_with("c.csv:2:") && e.contains("palette") && e.contains("purple"), "{e}");
    }

    #[test]
    fn csv_imports_and_round_trips_to_toml() {
        let c = Catalog::from_csv(CSV, Path::new("c.csv")).unwrap();
        assert_eq!(c.products.len(), 2);
        assert_eq!(c.products[0].finish, Some(Finish::Matte));
        assert_eq!(c.products[1].undertone, Some(Undertone::Warm));
        let again = Catalog::parse(&c.to_toml(), Path::new("c.toml")).unwrap();
        assert_eq!(c, again);
    }

    #[test]
    fn csv_errors_name_the_line() {
        let bad = CSV.replace("#F4A582", "peach");
        let e = Catalog::from_csv(&bad, Path::new("c.csv")).unwrap_err().to_string();
        assert!(e.starts_with("c.csv:3:") && e.contains("peach"), "{e}");
        let bad = CSV.replace("matte", "glittery");
        let e = Catalog::from_csv(&bad, Path::new("c.csv")).unwrap_err().to_string();
        assert!(e.starts_with("c.csv:2:") && e.contains("glittery"), "{e}");
        let bad = CSV.replace("V-B01", "V-L01");
        let e = Catalog::from_csv(&bad, Path::new("c.csv")).unwrap_err().to_string();
        assert!(e.starts_with("c.csv:3:") && e.contains("duplicate"), "{e}");
        let bad = CSV.replace("undertone", "colour");
        let e = Catalog::from_csv(&bad, Path::new("c.csv")).unwrap_err().to_string();
        assert!(e.starts_with("c.csv:1:") && e.contains("colour"), "{e}");
    }

    #[test]
    fn toml_errors_name_the_line() {
        let text = "name = \"x\"\n\n[[product]]\nbrand = \"A\"\nname = \"B\"\nsku = \"1\"\ncategory = \"lipstick\"\nshade = \"#12345\"\n";
        let e = Catalog::parse(text, Path::new("c.toml")).unwrap_err().to_string();
        assert!(e.starts_with("c.toml:8:") && e.contains("#12345"), "{e}");
        let text = text.replace("#12345", "#123456").replace("lipstick", "mascara");
        let e = Catalog::parse(&text, Path::new("c.toml")).unwrap_err().to_string();
        assert!(e.starts_with("c.toml:7:") && e.contains("mascara"), "{e}");
    }

    #[test]
    fn bundled_catalog_is_valid_and_broad() {
        let c = Catalog::load(&Catalog::bundled_path()).unwrap();
        assert!(c.products.len() >= 30);
        for cat in Category::ALL {
            assert!(c.of(cat).count() >= 2, "{cat:?}");
        }
        for u in [Undertone::Warm, Undertone::Cool, Undertone::Neutral] {
            assert!(c.products.iter().filter(|p| p.undertone == Some(u)).count() >= 5, "{u:?}");
        }
    }
}
