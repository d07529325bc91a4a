// The job runner: `run` executes a queued job run and its dependent chain; `scheduler` fires cron jobs.
return MlopsPS.Core.Jobs.JobRunnerProgram.Main(args);
