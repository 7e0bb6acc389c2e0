//! The flags interop binaries take, as other implementations take them:
//! `--name=value` or `--name value`.

use std::collections::HashMap;

/// Parsed flags; `known` lists the names a binary takes.
pub struct Flags(HashMap<String, String>);

impl Flags {
    /// Parses `args` (without the program name); `Err` names a flag not in `known`
    /// or one without a value.
    pub fn parse(args: impl IntoIterator<Item = String>, known: &[&str]) -> Result<Flags, String> {
        let mut flags = HashMap::new();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let Some(flag) = arg.strip_prefix("--") else {
                return Err(format!("unexpected argument `{arg}`"));
            };
            let (name, value) = match flag.split_once('=') {
                Some((name, value)) => (name.to_owned(), value.to_owned()),
                None => {
                    let value = args
                        .next()
                        .ok_or_else(|| format!("--{flag} needs a value"))?;
                    (flag.to_owned(), value)
                }
            };
            if !known.contains(&name.as_str()) {
                return Err(format!(
                    "unknown flag --{name} (known: --{})",
                    known.join(", --")
                ));
            }
            flags.insert(name, value);
        }
        Ok(Flags(flags))
    }

    /// The value of `name`, or `default`.
    pub fn get<'a>(&'a self, name: &str, default: &'a str) -> &'a str {
        self.0.get(name).map_or(default, String::as_str)
    }

    /// `--use_tls`: only `false` is served (no certificates here).
    pub fn refuse_tls(&self) -> Result<(), String> {
        match self.get("use_tls", "false") {
            "false" => Ok(()),
            other => Err(format!("--use_tls={other}: only plaintext is supported")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Flags;

    fn parse(args: &[&str]) -> Result<Flags, String> {
        Flags::parse(args.iter().map(|arg| arg.to_string()), &["port", "use_tls"])
    }

    #[test]
    fn both_spellings_and_the_errors() {
        let flags = parse(&["--port=10000", "--use_tls", "false"]).expect("flags");
        assert_eq!(flags.get("port", "0"), "10000");
        assert!(flags.refuse_tls().is_ok());
        assert!(parse(&["--nope=1"]).is_err());
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["port"]).is_err());
        let tls = parse(&["--use_tls=true"]).expect("flags");
        assert!(tls.refuse_tls().is_err());
    }
}
