//! What Java, Kotlin and C# code calls to read its configuration (the environment, the
//! application's settings): the shape of each language's table (`java::READERS`,
//! `dotnet::READERS`).

/// How a language's code reads its configuration.
#[derive(Debug, Clone, Copy)]
pub struct Readers {
    /// Calls that return an environment variable, `null` when unset:
    /// `System.getenv("X")`.
    pub env: &'static [&'static str],
    /// Calls whose first argument is returned unless it is `null`, else the second:
    /// `Objects.requireNonNullElse(a, b)`.
    pub coalesce: &'static [&'static str],
    /// Calls (and constructors) that return their argument's value in another type:
    /// `new Uri(x)`, `URI.create(x)`.
    pub wrappers: &'static [&'static str],
    /// The last part of a name that holds the application's configuration, whose indexer
    /// reads a key (`builder.Configuration["Otlp:Endpoint"]`), and the calls on it that do
    /// (`GetValue<string>("X")`).
    pub configuration: Option<(&'static str, &'static [&'static str])>,
}
