//! The `greenlight` binary: parse arguments, dispatch, turn errors into exit codes.

use std::process::ExitCode;

use clap::Parser;
use greenlight::cli::{Cli, Command};
use greenlight::commands::{self, Env};
use greenlight::{exit, output};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if exit::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            output::error(&err);
            ExitCode::from(exit::code_for(&err))
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<()> {
    // Only the commands that touch runs need to know where they live.
    let env = || Env::discover(cli.home.clone());
    match &cli.command {
        Command::Validate(args) => commands::validate::run(args),
        Command::Verify(args) => commands::verify::run(args),
        Command::Gate(args) => commands::verify::gate(args),
        Command::Import(args) => commands::import::checklist(args),
        Command::ImportResults(args) => commands::import::results(&env()?, args),
        Command::Init(args) => commands::init::run(&env()?, args),
        Command::Run(args) => commands::walk::start(&env()?, args),
        Command::Resume(args) => commands::walk::resume(&env()?, args),
        Command::Start(args) => commands::start::run(&env()?, args),
        Command::Record(args) => commands::record::run(&env()?, args),
        Command::Undo(args) => commands::record::undo(&env()?, args),
        Command::Status(args) => commands::status::run(&env()?, args),
        Command::Runs(args) => commands::runs::run(&env()?, args),
        Command::Export(args) => commands::export::run(&env()?, args),
        Command::Signoff(args) => commands::signoff::run(&env()?, args),
    }
}
