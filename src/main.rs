use std::process::ExitCode;

fn main() -> ExitCode {
    let env = town_crier::env::Env::from_process();
    let code = town_crier::run_os(std::env::args_os().collect(), &env);
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
