//! How a container's language shows: the program it starts, the image it is built from, the
//! marker files of its build. Rules that know one language's SDK judge only services of that
//! language; this is where a service's language is told.

use crate::workspace::Language;

/// Programs a container starts, by language (the basename of the first word).
const PROGRAMS: &[(Language, &[&str])] = &[
    (
        Language::Python,
        &[
            "python",
            "opentelemetry-instrument",
            "gunicorn",
            "uvicorn",
            "hypercorn",
            "daphne",
            "granian",
            "flask",
            "celery",
            "django-admin",
            "fastapi",
            "uwsgi",
            "streamlit",
        ],
    ),
    (
        Language::Node,
        &[
            "node",
            "npm",
            "npx",
            "yarn",
            "pnpm",
            "nodemon",
            "ts-node",
            "tsx",
            "bun",
            "deno",
            "next",
            "pm2-runtime",
        ],
    ),
    (
        Language::Java,
        &["java", "mvn", "gradle", "mvnw", "gradlew", "catalina.sh"],
    ),
    (Language::DotNet, &["dotnet"]),
    (
        Language::Ruby,
        &[
            "ruby", "bundle", "rails", "puma", "rackup", "unicorn", "sidekiq",
        ],
    ),
    (
        Language::Php,
        &[
            "php",
            "php-fpm",
            "apache2-foreground",
            "frankenphp",
            "artisan",
        ],
    ),
    (Language::Go, &["go"]),
    (Language::Rust, &["cargo"]),
    (
        Language::Proxy,
        &[
            "nginx",
            "envoy",
            "haproxy",
            "caddy",
            "traefik",
            "httpd",
            "httpd-foreground",
        ],
    ),
];

/// Base images, by the last path segment of their name (registry and owner dropped).
const IMAGES: &[(Language, &[&str])] = &[
    (Language::Python, &["python", "pypy"]),
    (Language::Node, &["node", "bun", "deno"]),
    (
        Language::Java,
        &[
            "openjdk",
            "eclipse-temurin",
            "amazoncorretto",
            "maven",
            "gradle",
            "tomcat",
            "jetty",
            "java",
            "sapmachine",
            "ibm-semeru-runtimes",
        ],
    ),
    (
        Language::DotNet,
        &["aspnet", "runtime", "sdk", "runtime-deps"],
    ),
    (Language::Ruby, &["ruby", "jruby"]),
    (Language::Php, &["php", "wordpress", "composer"]),
    (Language::Go, &["golang"]),
    (Language::Rust, &["rust"]),
    (Language::Cpp, &["gcc", "clang"]),
    (
        Language::Proxy,
        &[
            "nginx",
            "envoy",
            "haproxy",
            "caddy",
            "traefik",
            "httpd",
            "openresty",
        ],
    ),
];

/// The language of a program a container starts.
pub fn of_program(program: &str) -> Option<Language> {
    let name = program.rsplit('/').next().unwrap_or(program);
    if name.ends_with(".jar") {
        return Some(Language::Java);
    }
    // `python3.12`, `pip3`: the version suffix does not matter.
    let stem = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    PROGRAMS
        .iter()
        .find(|(_, programs)| programs.contains(&stem) || programs.contains(&name))
        .map(|(language, _)| *language)
}

/// The language of a base image (`python:3.12-slim`, `mcr.microsoft.com/dotnet/aspnet:8.0`).
pub fn of_image(image: &str) -> Option<Language> {
    let without_tag = image.split(['@']).next().unwrap_or(image);
    let path = match without_tag.rsplit_once(':') {
        Some((path, tag)) if !tag.contains('/') => path,
        _ => without_tag,
    };
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    // `.NET`'s images are only told apart by their repository.
    let dotnet_only = ["aspnet", "runtime", "sdk", "runtime-deps"].contains(&name.as_str());
    if dotnet_only && !path.contains("dotnet") {
        return None;
    }
    IMAGES
        .iter()
        .find(|(_, names)| names.contains(&name.as_str()))
        .map(|(language, _)| *language)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_and_images_tell_the_language() {
        assert_eq!(
            of_program("/usr/local/bin/python3.12"),
            Some(Language::Python)
        );
        assert_eq!(of_program("gunicorn"), Some(Language::Python));
        assert_eq!(of_program("node"), Some(Language::Node));
        assert_eq!(of_program("app.jar"), Some(Language::Java));
        assert_eq!(of_program("nginx"), Some(Language::Proxy));
        assert_eq!(of_program("./server"), None);
        assert_eq!(of_image("python:3.12-slim"), Some(Language::Python));
        assert_eq!(
            of_image("docker.io/library/node:20-alpine"),
            Some(Language::Node)
        );
        assert_eq!(
            of_image("mcr.microsoft.com/dotnet/aspnet:8.0"),
            Some(Language::DotNet)
        );
        assert_eq!(of_image("eclipse-temurin:21-jre"), Some(Language::Java));
        assert_eq!(of_image("envoyproxy/envoy:v1.30"), Some(Language::Proxy));
        assert_eq!(of_image("localhost:5000/nginx:1.27"), Some(Language::Proxy));
        assert_eq!(of_image("alpine:3.20"), None);
        assert_eq!(of_image("sdk"), None);
    }
}
