//! The `greenlight` binary: parse arguments, dispatch, turn the outcome into an exit code.

use std::process::ExitCode;

use clap::Parser;
use greenlight::cli::{Cli, Command};
use greenlight::commands::{self, Outcome, Workspace};
use greenlight::{exit, output};

fn main() -> ExitCode {
    exit::survive_file_size_limits();
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(outcome) => {
            if let Outcome::NotGood(why) = &outcome {
                output::problem(why);
            }
            exit::code_for(&outcome)
        }
        Err(err) if exit::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            output::error(&err);
            ExitCode::from(exit::ERROR)
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<Outcome> {
    // Only the commands that touch runs or the config need to know where they live.
    let workspace = || Workspace::discover(cli.home.clone());
    match &cli.command {
        Command::Validate(args) => commands::validate::run(args),
        Command::Verify(args) => commands::verify::run(args),
        Command::Gate(args) => commands::verify::gate(args),
        Command::Import(args) => commands::import::checklist(args, workspace),
        Command::ImportResults(args) => commands::import::results(&workspace()?, args),
        Command::Init(args) => commands::init::run(&workspace()?, args),
        Command::Run(args) => commands::walk::start(&workspace()?, args),
        Command::Resume(args) => commands::walk::resume(&workspace()?, args),
        Command::Start(args) => commands::start::run(&workspace()?, args),
        Command::Record(args) => commands::record::run(&workspace()?, args),
        Command::Undo(args) => commands::record::undo(&workspace()?, args),
        Command::Status(args) => commands::status::run(&workspace()?, args),
        Command::Runs(args) => commands::runs::run(&workspace()?, args),
        Command::Export(args) => commands::export::run(&workspace()?, args),
        Command::Signoff(args) => commands::signoff::run(&workspace()?, args),
        Command::Bugs(args) => commands::bugs::run(&workspace()?, args),
    }
}
