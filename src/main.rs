use std::process::ExitCode;

fn main() -> ExitCode {
    let args = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let env = town_crier::env::Env::from_process();
    let code = town_crier::run(args, &env);
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
