//! The cabinet's GPIO: lamps, buzzer, help button, presence and paper-low sensors.

use std::sync::{Arc, Mutex};

use kiosk_drivers::gpio::{Gpio, Input, Output, PinMap, RpiGpio, SimGpio, SimGpioHandle};

use super::Wiring;
use crate::domain::AppEvent;
use crate::platform::config::GpioDevice;

/// The GPIO, shared by the monitor (lamps) and the desk (help lamp, buzzer).
pub type SharedGpio = Arc<Mutex<Box<dyn Gpio>>>;

/// Sets an output; a poisoned lock (a panic elsewhere) must not leave the lamps stuck.
pub fn set(gpio: &SharedGpio, output: Output, on: bool) {
    gpio.lock()
        .unwrap_or_else(|p| p.into_inner())
        .set(output, on);
}

/// Opens the Raspberry Pi's GPIO when enabled, else a simulated cabinet (whose handle the
/// demo and tests use to press buttons and read lamps).
pub fn open(c: &GpioDevice) -> (Box<dyn Gpio>, SimGpioHandle) {
    if c.enabled {
        match RpiGpio::open(&pin_map(c)) {
            Ok(g) => {
                let (_, unused) = SimGpio::new();
                return (Box::new(g), unused);
            }
            // Lamps and the help button are a convenience: the kiosk serves without them,
            // and staff see why in the log.
            Err(e) => {
                tracing::warn!(target: "alert", message_id = hall_link::journal::ALERT, "GPIO unavailable: {e}")
            }
        }
    }
    let (sim, handle) = SimGpio::new();
    (Box::new(sim), handle)
}

/// Forwards the inputs: the help button and presence sensor to the UI, the paper-low
/// sensor to the board. Ends when the GPIO's event source does or at shutdown.
pub fn watch_inputs(gpio: &mut dyn Gpio, wiring: &Wiring) {
    let Some(mut inputs) = gpio.events() else {
        return;
    };
    let (tasks, tx, health) = (wiring.tasks, wiring.tx.clone(), wiring.health.clone());
    let stop = tasks.stop_signal();
    tasks.spawn(async move {
        loop {
            let ev = tokio::select! {
                _ = stop.cancelled() => return,
                ev = inputs.recv() => match ev { Some(ev) => ev, None => return },
            };
            match (ev.input, ev.active) {
                (Input::HelpButton, true) => tx.send(AppEvent::HelpButton),
                (Input::Presence, true) => tx.send(AppEvent::Presence),
                (Input::PaperLow, low) => {
                    if low {
                        tracing::warn!(target: "alert", message_id = hall_link::journal::ALERT, "paper-low sensor: change the roll soon");
                    }
                    health.set_paper_low_sensor(low);
                }
                _ => {}
            }
        }
    });
}

fn pin_map(c: &GpioDevice) -> PinMap {
    let mut m = PinMap::default();
    for (output, pin) in [
        (Output::LampGreen, c.lamp_green),
        (Output::LampYellow, c.lamp_yellow),
        (Output::LampRed, c.lamp_red),
        (Output::HelpLamp, c.help_lamp),
        (Output::Buzzer, c.buzzer),
    ] {
        if let Some(p) = pin {
            m.outputs.insert(output, p);
        }
    }
    for (input, pin) in [
        (Input::HelpButton, c.help_button),
        (Input::Presence, c.presence_sensor),
        (Input::PaperLow, c.paper_low_sensor),
    ] {
        if let Some(p) = pin {
            m.inputs.insert(input, p);
        }
    }
    m
}
