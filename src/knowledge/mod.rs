//! What the tool knows about the world outside the workspace, as data apart from the code that
//! applies it: the OpenTelemetry SDKs' environment configuration, Honeycomb's keys and hosts,
//! the Collector's images, components and releases, and, per ecosystem, which package provides
//! which module. A new language or a new release is a change here, not in the rules.

pub mod clike;
pub mod collector;
pub mod collector_manifests;
pub mod dotnet;
pub mod ecosystems;
pub mod go;
pub mod helm_collector;
pub mod honeycomb;
pub mod java;
pub mod js_symbols;
pub mod kubernetes;
pub mod languages;
pub mod node;
pub mod otel;
pub mod ottl_functions;
pub mod php;
pub mod python;
pub mod python_symbols;
pub mod ruby;
pub mod secrets;

/// What a service runs on: told by its command, its base image, its build's marker files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Language {
    Python,
    Node,
    Go,
    Java,
    Ruby,
    DotNet,
    Rust,
    Php,
    Cpp,
    Elixir,
    /// A reverse proxy or web server (nginx, Envoy): traces only if configured to.
    Proxy,
}

impl Language {
    /// As people write it (`Node.js`, `.NET`).
    pub fn title(self) -> &'static str {
        match self {
            Language::Python => "Python",
            Language::Node => "Node.js",
            Language::Go => "Go",
            Language::Java => "Java",
            Language::Ruby => "Ruby",
            Language::DotNet => ".NET",
            Language::Rust => "Rust",
            Language::Php => "PHP",
            Language::Cpp => "C++",
            Language::Elixir => "Elixir",
            Language::Proxy => "web server",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Node => "node",
            Language::Go => "go",
            Language::Java => "java",
            Language::Ruby => "ruby",
            Language::DotNet => "dotnet",
            Language::Rust => "rust",
            Language::Php => "php",
            Language::Cpp => "cpp",
            Language::Elixir => "elixir",
            Language::Proxy => "proxy",
        }
    }
}
