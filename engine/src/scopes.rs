//! Lexical scopes of local names, innermost last: which binding a name stands for.

/// Name -> binding id, per open scope.
#[derive(Debug, Default)]
pub struct Scopes(Vec<Vec<(String, usize)>>);

impl Scopes {
    /// Opens a scope.
    pub fn open(&mut self) {
        self.0.push(Vec::new());
    }

    /// Closes the innermost scope; the bindings it declared, latest first.
    pub fn close(&mut self) -> Vec<usize> {
        let scope = self.0.pop().unwrap_or_default();
        scope.into_iter().rev().map(|(_, id)| id).collect()
    }

    /// How many scopes are open.
    pub fn depth(&self) -> usize {
        self.0.len()
    }

    /// Declares `name` as binding `id` in the innermost scope.
    pub fn declare(&mut self, name: String, id: usize) {
        if let Some(scope) = self.0.last_mut() {
            scope.push((name, id));
        }
    }

    /// The binding `name` stands for here.
    pub fn resolve(&self, name: &str) -> Option<usize> {
        self.0
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(bound, _)| bound == name)
            .map(|(_, id)| *id)
    }

    /// The bindings declared in scopes deeper than `depth`, latest first.
    pub fn deeper_than(&self, depth: usize) -> Vec<usize> {
        let deeper = self.0.get(depth..).unwrap_or_default();
        deeper
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev().map(|(_, id)| *id))
            .collect()
    }
}
