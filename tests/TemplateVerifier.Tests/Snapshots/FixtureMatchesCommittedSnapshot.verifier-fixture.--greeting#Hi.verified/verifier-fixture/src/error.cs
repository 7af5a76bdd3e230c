// A file named error.cs: listing it in dotnet new output must not count as an error.
namespace verifier_fixture;
