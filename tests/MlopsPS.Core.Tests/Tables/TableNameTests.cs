using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Tables;

public class TableNameTests
{
    [Theory]
    [InlineData("telco")]
    [InlineData("lab.telco_churn")]
    [InlineData("a-b_c.D9")]
    public void Validate_AcceptsLettersDigitsUnderscoreDashAndNamespaceDots(string name)
    {
        Assert.Equal(name, TableName.Validate(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("..")]
    [InlineData("../escape")]
    [InlineData("a..b")]
    [InlineData(".hidden")]
    [InlineData("trailing.")]
    [InlineData("with space")]
    [InlineData("tab\t")]
    [InlineData("star*")]
    [InlineData("caf\u00e9")]
    [InlineData("c:")]
    public void Validate_RefusesNamesThatAreEmptyOrCouldEscapeTheTableFolder(string name)
    {
        var error = Assert.Throws<InvalidTableNameException>(() => TableName.Validate(name));
        Assert.Equal(MlopsErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("InvalidTableName", error.ErrorId);
        Assert.False(TableName.IsValid(name));
    }

    [Theory]
    [InlineData("default.telco")]
    [InlineData("DEFAULT.telco")]
    public void Validate_RefusesTheDefaultNamespaceSpelledOut_ItWouldBeTheSameIcebergTableAsTheBareName(string name)
    {
        var error = Assert.Throws<InvalidTableNameException>(() => TableName.Validate(name));
        Assert.Contains("call the table 'telco'", error.Message, StringComparison.Ordinal);
        Assert.True(TableName.IsValid("default_lab.telco"));
        Assert.True(TableName.IsValid("lab.default.telco"));
    }

    [Fact]
    public void Validate_RefusesNull()
    {
        Assert.Throws<InvalidTableNameException>(() => TableName.Validate(null));
    }

    [Fact]
    public void Append_WithAnInvalidName_WritesNothingToTheStore()
    {
        using var temp = new TempStore();

        Assert.Throws<InvalidTableNameException>(() => temp.Catalog.Append("../outside", [SampleRows.Batch(0, 10)]));

        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(temp.Root, "tables")));
        Assert.False(File.Exists(Path.Combine(temp.Root, "outside")));
        Assert.Empty(temp.Catalog.ListTables());
    }

    [Fact]
    public void TableExists_IsFalseForAnInvalidName()
    {
        using var temp = new TempStore();
        Assert.False(temp.Catalog.TableExists("a/b"));
    }
}
