using System.CommandLine;
using Nabla.Cli.Commands;

var root = new RootCommand("Nabla: train neural networks in C#, and find out why they do not learn.");
foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
return root.Parse(args).Invoke();
