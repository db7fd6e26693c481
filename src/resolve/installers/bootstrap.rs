//! `opentelemetry-bootstrap -a install` installs the instrumentation of every library already
//! installed; `-a requirements` prints them, for a `pip install -r -` to read.

use super::{Command, Effect, Image, option_value};

pub fn effects(command: &Command, _image: &dyn Image) -> Option<Vec<Effect>> {
    if command.name() != "opentelemetry-bootstrap" {
        return None;
    }
    let action = option_value(command.args, "-a", "--action");
    Some(if action == Some("install") {
        vec![Effect::Bootstrap]
    } else {
        Vec::new()
    })
}
