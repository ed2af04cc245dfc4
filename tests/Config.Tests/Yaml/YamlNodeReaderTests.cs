using Mlobs.Config.Yaml;
using YamlDotNet.RepresentationModel;

namespace Mlobs.Config.Tests.Yaml;

public class YamlNodeReaderTests
{
    private static YamlMappingNode Load(string yaml)
    {
        var s = new YamlStream();
        s.Load(new StringReader(yaml));
        return (YamlMappingNode)s.Documents[0].RootNode;
    }

    [Fact]
    public void ReadsTypedValuesAndRejectsUnknownKeys()
    {
        var r = new YamlNodeReader("f.yml");
        var map = Load("name: x\nfor: 5m\nlimit: 3\nenabled: true\nlabels: {a: b}\nitems: [1, 2]\n");
        var seen = new List<string>();
        foreach (var (key, _, value) in r.Entries(map, "group", "name", "for", "limit", "enabled", "labels", "items"))
        {
            seen.Add(key);
            switch (key)
            {
                case "for": Assert.Equal(TimeSpan.FromMinutes(5), r.Duration(value, key)); break;
                case "limit": Assert.Equal(3, r.Long(value, key)); break;
                case "enabled": Assert.True(r.Bool(value, key)); break;
                case "labels": Assert.Equal("b", r.StringMap(value, key)["a"]); break;
                case "items": Assert.Equal(["1", "2"], r.StringList(value, key)); break;
            }
        }
        Assert.Equal(6, seen.Count);
        var ex = Assert.Throws<ConfigException>(() => r.Entries(Load("name: x\nnmae: y\n"), "group", "name").ToList());
        Assert.Equal("f.yml:2:1: field nmae not found in group", ex.Message);
    }

    [Fact]
    public void DuplicateKeysAndBadTypesAreLocated()
    {
        var r = new YamlNodeReader("f.yml");
        var dup = Assert.Throws<ConfigException>(() => r.LoadDocument("a: 1\nb: 2\na: 3\n"));
        Assert.Equal(3, dup.Line);
        Assert.StartsWith("f.yml:3:1: yaml: ", dup.Message);
        Assert.Null(r.LoadDocument(""));
        var map = Load("limit: lots\n");
        var bad = Assert.Throws<ConfigException>(() => r.Long(map.Children.Values.Single(), "limit"));
        Assert.Equal("f.yml:1:8: limit: cannot unmarshal \"lots\" into an integer", bad.Message);
        var list = Assert.Throws<ConfigException>(() => r.StringList(Load("x: {a: 1}\n").Children.Values.Single(), "x"));
        Assert.Contains("must be a list", list.Message);
    }

    [Fact]
    public void ExpandsEnvironmentReferences()
    {
        Environment.SetEnvironmentVariable("MLOBS_RULES_TEST", "secret");
        Assert.Equal("token-secret-", YamlNodeReader.Expand("token-${MLOBS_RULES_TEST}-${MLOBS_UNSET_VARIABLE}"));
        Assert.Equal("$plain", YamlNodeReader.Expand("$plain"));
    }
}
